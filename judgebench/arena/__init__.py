"""The Judge Arena: people vote between two anonymous judges; ballots, matchmaking, the votes as battles."""
