"""Today (היום): the home screen with what to do today."""
