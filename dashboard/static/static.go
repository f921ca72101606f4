// Package static holds the dashboard's files in the binary: the page
// templates, the style sheet, the ES modules and the vendored Apache ECharts
// (scripts/vendor-echarts.sh fetches it). Nothing here is built: the files
// are served as they are.
package static

import "embed"

// FS holds templates/ (read by package dashboard) and css/, js/, img/ and
// vendor/ (served under /static/).
//
//go:embed templates css js img vendor
var FS embed.FS
