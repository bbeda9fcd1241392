"""The published leaderboard: numbers (leaderboard), figures (plots), pages (render), files (publish)."""
