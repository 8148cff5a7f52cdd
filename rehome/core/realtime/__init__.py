"""Live updates (F-10): events published after commit, presence, and what each
viewer may receive.
"""
