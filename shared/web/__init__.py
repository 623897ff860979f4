"""Web pieces every service uses: health, metrics, correlation ids, the common layout."""
