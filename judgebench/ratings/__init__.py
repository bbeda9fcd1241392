"""Ratings of judges from battles: which judge beats which on an item, Bradley-Terry on the Elo scale, online Elo."""
