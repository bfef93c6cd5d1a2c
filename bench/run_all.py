"""Runs every benchmark in turn and prints their figures."""
from bench import foundation

if __name__ == "__main__":
    foundation.main()
