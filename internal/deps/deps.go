// Package deps pins the modules the packages under construction import.
// TEMPORARY: removed once every dependency has a real importer.
package deps

import (
	_ "github.com/ClickHouse/clickhouse-go/v2"
	_ "github.com/duckdb/duckdb-go/v2"
	_ "github.com/maxmind/mmdbwriter"
	_ "github.com/oschwald/geoip2-golang"
	_ "github.com/ua-parser/uap-go/uaparser"
	_ "gopkg.in/segmentio/analytics-go.v3"
)
