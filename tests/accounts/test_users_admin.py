from sqlalchemy import select

from refurb.accounts.models import User
from tests.factories import PASSWORD, make_donor, make_user


def test_change_own_password(client, db, login_as):
    user = login_as("technician")
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "un-nouveau-secret", "confirm": "un-nouveau-secret"})
    assert response.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"email": user.email,
                                       "password": "un-nouveau-secret"}).status_code == 302


def test_change_password_refuses_a_wrong_current_password(client, db, login_as):
    login_as("technician")
    response = client.post("/account/password", data={
        "current": "pas-le-bon", "new": "un-nouveau-secret", "confirm": "un-nouveau-secret"})
    assert response.status_code == 200
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)


def test_admin_creates_a_donor_user_for_an_organisation(client, db, login_as):
    login_as("admin")
    org = make_donor("Banque du Nord")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "email": "Compta@Banque.example", "display_name": "Compta", "role": "donor",
        "donor_organisation_id": org.id, "password": "mot-de-passe-long"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "compta@banque.example"))
    assert user.role == "donor" and user.donor_organisation_id == org.id


def test_invalid_user_form_keeps_what_was_typed_with_a_message_per_field(client, db, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "pas-une-adresse", "display_name": "Camille Technicienne",
        "role": "technician", "donor_organisation_id": 0, "password": "court"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="pas-une-adresse"' in html and 'value="Camille Technicienne"' in html
    assert "Adresse e-mail invalide." in html
    assert html.count('class="errors"') == 2  # e-mail and password each say what is wrong


def test_donor_role_requires_an_organisation(client, db, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "don@ex.example", "role": "donor", "donor_organisation_id": 0,
        "password": "mot-de-passe-long"})
    assert "rattaché à une organisation donatrice" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "don@ex.example")) is None


def test_admin_disables_a_user_and_changes_a_role(client, db, login_as):
    login_as("admin")
    tech = make_user("technician")
    db.session.commit()
    response = client.post(f"/admin/users/{tech.id}", data={
        "display_name": "Tech", "role": "social_worker", "donor_organisation_id": 0})
    assert response.status_code == 302
    db.session.refresh(tech)
    assert tech.role == "social_worker" and tech.active is False


def test_admin_cannot_remove_their_own_admin_rights(client, db, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}", data={
        "display_name": "Moi", "role": "technician", "active": "y", "donor_organisation_id": 0})
    assert "retirer vos propres droits" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_unknown_user_is_a_404(client, db, login_as):
    login_as("admin")
    assert client.get("/admin/users/99999").status_code == 404


def test_cli_creates_a_user_with_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Chef@Atelier.example", "--role", "admin",
                                 "--password-stdin"], input="un-long-mot-de-passe\n")
    assert result.exit_code == 0, result.output
    assert "chef@atelier.example" in result.output
    again = runner.invoke(args=["users", "create", "chef@atelier.example", "--role", "admin",
                                "--password-stdin"], input="un-long-mot-de-passe\n")
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = runner.invoke(args=["users", "create", "x@atelier.example", "--role", "technician",
                                "--password-stdin"], input="court\n")
    assert short.exit_code != 0 and "au moins 10" in short.output


def test_cli_asks_for_the_password_twice(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "tech@atelier.example", "--role",
                                 "technician"], input="un-long-mot-de-passe\nun-long-mot-de-passe\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "tech@atelier.example"))
    assert user.password_hash.startswith("scrypt:")
