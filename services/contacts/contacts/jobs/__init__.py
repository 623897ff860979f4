"""Background jobs: bulk actions over a fixed set of people, and their runner."""
