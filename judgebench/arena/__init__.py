"""Arena ratings of judges: battles, Bradley-Terry, online Elo."""
