"""`python -m changeradar` runs the command line."""

from changeradar.cli import main

main()
