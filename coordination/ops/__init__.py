"""Operations: backup and restore, and other commands for people who run AidTrail."""
