"""Issued documents (receipts, certificates, agreements, exports): numbered, versioned, hashed."""
