"""d4sme: an open platform for running SME digitalisation policy end to end."""
