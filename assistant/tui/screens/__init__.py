"""One module per screen. Screens post navigation messages; the app switches screens."""
