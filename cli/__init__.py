"""The command line: its arguments (arguments.py) and its subcommands (commands.py)."""
