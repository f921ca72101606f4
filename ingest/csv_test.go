package ingest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCSVMessages(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		mapping map[string]string
		typ     string
		want    []string
		wantErr string
	}{
		{
			name: "named columns, extra columns become properties",
			csv:  "userId,event,timestamp,plan,amount,trial\nu1,Signed Up,2026-01-02T03:04:05Z,pro,49.5,true\n",
			typ:  "track",
			want: []string{`{"event":"Signed Up","messageId":"csv-c0ac70b13f8261680b5b3248708d5070","properties":{"amount":49.5,"plan":"pro","trial":true},"timestamp":"2026-01-02T03:04:05Z","type":"track","userId":"u1"}`},
		},
		{
			name:    "mapping and dotted paths",
			csv:     "customer,what,context.campaign.source,code\nc9,Order Completed,newsletter,007\n",
			mapping: map[string]string{"userId": "customer", "event": "what"},
			typ:     "track",
			want:    []string{`{"context":{"campaign":{"source":"newsletter"}},"event":"Order Completed","messageId":"csv-b484d57c6735db4aa91bfa9266e415de","properties":{"code":"007"},"type":"track","userId":"c9"}`},
		},
		{
			name: "identify rows put extra columns in traits; empty cells are left out",
			csv:  "type,userId,email,age\nidentify,u1,a@b.c,\n",
			typ:  "track",
			want: []string{`{"messageId":"csv-76c7fe1145f88aff624bf032ae457e59","traits":{"email":"a@b.c"},"type":"identify","userId":"u1"}`},
		},
		{
			name: "a spreadsheet's byte-order mark; a messageId column is kept",
			csv:  "\uFEFFuserId,event,messageId\nu1,Signed Up,m1\n",
			typ:  "track",
			want: []string{`{"event":"Signed Up","messageId":"m1","type":"track","userId":"u1"}`},
		},
		{
			name: "identical rows get the same messageId, different rows different ones",
			csv:  "userId,event\nu1,A\nu1,A\nu1,B\n",
			typ:  "track",
			want: []string{
				`{"event":"A","messageId":"csv-71991c809c0a99da60e2689ea6ec92f3","type":"track","userId":"u1"}`,
				`{"event":"A","messageId":"csv-71991c809c0a99da60e2689ea6ec92f3","type":"track","userId":"u1"}`,
				`{"event":"B","messageId":"csv-c1cbef3206a38389a88eeff414fe67a1","type":"track","userId":"u1"}`,
			},
		},
		{
			name:    "mapping to a missing column",
			csv:     "a\n1\n",
			mapping: map[string]string{"userId": "customer"},
			wantErr: `no column "customer"`,
		},
		{
			name:    "mapping to an unknown field",
			csv:     "a\n1\n",
			mapping: map[string]string{"user": "a"},
			wantErr: `"user" is not a message field`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := CSVMessages(strings.NewReader(tt.csv), tt.mapping, tt.typ, func(raw json.RawMessage) error {
				got = append(got, string(raw))
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
