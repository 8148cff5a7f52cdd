"""The project assistant (F-30..F-34): context, providers, runs, streaming."""
