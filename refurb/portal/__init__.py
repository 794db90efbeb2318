"""The donor portal: a donor organisation's own collections, documents and impact."""
