"""Runs every benchmark in turn and prints their figures."""
from bench import (basemap, foundation, nyc311, open311, page_weight, performance, push_delivery, reports_http,
                   volunteers_http)

if __name__ == "__main__":
    foundation.main()
    volunteers_http.main()
    reports_http.main()
    push_delivery.main([])
    open311.main()
    nyc311.main()
    performance.main()
    basemap.main()
    page_weight.main()
