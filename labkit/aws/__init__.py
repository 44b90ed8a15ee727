"""The real-AWS backend (explicit opt-in): reads the account, explains, and creates only
resources tagged with its run ID after the account is confirmed."""
