"""Putting each drive together once the whole log is read: method and options of its run,
errors (the larger of table and lines), times, and the status the tables give."""

from __future__ import annotations

from datetime import timedelta

from refurb.core.nwipe.model import (
    VERIFICATION_ONLY_METHODS,
    NwipeDrive,
    NwipeLog,
    normalize_method,
)
from refurb.core.nwipe.patterns import ERROR_KINDS
from refurb.core.nwipe.state import DriveState, ParserState
from refurb.core.nwipe.values import clean_serial, to_int, verify_from_option

FR_STATUS = {"erased": "réussi", "failed": "échoué", "aborted": "interrompu"}


class Assembler(ParserState):
    def finish(self) -> NwipeLog:
        if not self.order:
            if self.recognised == 0:
                self.warn("Ce texte ne ressemble pas à un journal nwipe : aucune ligne reconnue.")
            else:
                self.warn("Aucun disque trouvé dans le journal nwipe.")
        drives = [self._assemble(state) for state in self.order]
        return NwipeLog(
            drives=drives,
            warnings=self.warnings,
            nwipe_version=self.version,
            user_aborted=any(r.user_aborted for r in self.runs),
        )

    def _assemble(self, st: DriveState) -> NwipeDrive:
        d = st.drive
        self._method(d, st)
        if d.model is None and st.table_model_serial:
            self._model_serial_from_table(d, st.table_model_serial)

        if d.size_bytes is None and st.size_approx is not None:
            d.size_bytes = st.size_approx
            d.size_exact = False

        self._errors(d, st)
        if st.table_bytes is not None:
            d.bytes_erased = st.table_bytes
        elif st.max_written is not None:
            d.bytes_erased = st.max_written
        elif d.verification_only:
            d.bytes_erased = 0

        self._times(d, st)
        self._status(d, st)
        return d

    def _method(self, d: NwipeDrive, st: DriveState) -> None:
        """Method, verification, rounds and blanking: the drive's own lines first, then the
        options of its run, then the run's "Total Throughput" line."""
        run = st.run
        opts = run.options
        total = run.total

        d.method = st.method or opts.get("method") or (total[0] if total else None)
        d.verification_only = normalize_method(d.method) in VERIFICATION_ONLY_METHODS
        if "verify" in opts:
            d.verify = verify_from_option(opts["verify"])
        if d.verify is None and total:
            d.verify = total[3]
        d.prng = opts.get("prng") or None
        rounds = to_int(opts.get("rounds", ""))
        d.rounds = rounds or (total[1] if total else None) or st.rounds
        d.passes = st.passes
        if total:
            d.blank = total[2]
        elif run.options_seen:
            d.blank = not run.noblank

    def _errors(self, d: NwipeDrive, st: DriveState) -> None:
        errors = dict(st.line_errors)
        if st.table_errors is not None:
            for kind in ERROR_KINDS:
                t, ln = st.table_errors[kind], st.line_errors[kind]
                if ln > t:
                    self.warn(
                        f"{d.device} : le journal signale plus d'erreurs que le tableau "
                        "récapitulatif ; le nombre le plus élevé est retenu."
                    )
                errors[kind] = max(t, ln)
        d.errors = errors

        if st.verify_failed or errors["verify"] > 0:
            d.verified = False
        elif st.verify_ok:
            d.verified = True

    def _times(self, d: NwipeDrive, st: DriveState) -> None:
        d.started = st.started
        finished = st.last_progress
        seconds = d.elapsed_seconds
        if d.started is not None and seconds is not None:
            try:
                by_elapsed = d.started + timedelta(seconds=seconds)
            except (OverflowError, ValueError):
                by_elapsed = None
                self.warn(f"{d.device} : durée illisible dans le tableau récapitulatif.")
            if by_elapsed is not None and (finished is None or by_elapsed > finished):
                finished = by_elapsed
        d.finished = finished

    def _model_serial_from_table(self, d: NwipeDrive, cell: str) -> None:
        model, sep, serial = cell.rpartition("/")
        if not sep:
            model, serial = cell, ""
        d.model = model.strip() or None
        d.serial, d.serial_masked = clean_serial(serial)

    def _status(self, d: NwipeDrive, st: DriveState) -> None:
        raw = st.table_status
        d.status_raw = raw
        if raw is None:
            d.status = "failed" if d.error_count > 0 else "aborted"
            if st.run.user_aborted:
                reason = "l'opérateur a interrompu nwipe"
            else:
                reason = "journal tronqué ?"
            self.warn(
                f"{d.device} : pas de ligne dans le tableau « Drive Status » ({reason}) ; "
                f"effacement considéré comme {FR_STATUS[d.status]}."
            )
            return
        up = raw.upper()
        if "ERASED" in up:
            d.status = "erased"
        elif "ABORT" in up:
            d.status = "aborted"
        elif "FAIL" in up:
            d.status = "failed"
        else:
            d.status = "failed"
            self.warn(f"{d.device} : statut nwipe inconnu « {raw} », considéré comme échoué.")
            return
        if d.status == "erased":
            if d.error_count > 0:
                d.status = "failed"
                self.warn(
                    f"{d.device} : statut « {raw} » mais {d.error_count} erreur(s) "
                    "signalée(s) ; effacement considéré comme échoué."
                )
            elif d.verified is False or st.blank_failed:
                d.status = "failed"
                self.warn(
                    f"{d.device} : statut « {raw} » mais la vérification a échoué ; "
                    "effacement considéré comme échoué."
                )
