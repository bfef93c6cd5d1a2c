"""Runs every benchmark in turn and prints their figures."""
from bench import foundation, volunteers_http

if __name__ == "__main__":
    foundation.main()
    volunteers_http.main()
