package clickhouse

import (
	"context"
	"fmt"
	"maps"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// profileReader reads the profiles of a project's persons for event lists
// that filter by person fields: the identify calls' traits and every
// person's acquisition, each computed in SQL.
type profileReader struct{ s *Store }

// persons reads what person fields need.
func (s *Store) persons() profileReader { return profileReader{s} }

// Profiles implements storage.Profiles: the profiles of the project's
// persons with the person fields among fields, each part read only when a
// field needs it; persons without a value of those fields have none.
func (r profileReader) Profiles(ctx context.Context, project string, fields []report.Field) (map[string]report.Profile, error) {
	profiles := map[string]report.Profile{}
	profile := func(person string) report.Profile {
		p := profiles[person]
		if p == nil {
			p = report.Profile{}
			profiles[person] = p
		}
		return p
	}
	traits, acquisition := false, false
	for _, f := range fields {
		_, trait := f.PersonTrait()
		traits = traits || trait
		acquisition = acquisition || (f.OfPerson() && !trait)
	}
	if traits {
		err := r.s.identifyTraits(ctx, project, func(person string, object []byte) error {
			profile(person).ApplyTraits(object, fields)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("person traits: %w", err)
		}
	}
	if acquisition {
		err := r.s.acquisitions(ctx, project, func(person string, a *waymark.Acquisition) error {
			profile(person).SetAcquisition(a, fields)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("acquisition: %w", err)
		}
	}
	maps.DeleteFunc(profiles, func(_ string, p report.Profile) bool { return len(p) == 0 })
	return profiles, nil
}

// identifyTraits passes the traits objects of a project's identify calls to
// fn, each with the person its distinct id resolves to now, in time and
// storage order.
func (s *Store) identifyTraits(ctx context.Context, project string, fn func(person string, traits []byte) error) error {
	rows, err := s.conn.Query(spilling(ctx), queries.Get("IdentifyTraits"), ch.Named("project", project))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var person, traits string
		if err := rows.Scan(&person, &traits); err != nil {
			return err
		}
		if err := fn(person, []byte(traits)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// acquisitions passes every person of a project to fn with their
// acquisition (report.AcquisitionOf), which Acquisitions.sql computes.
func (s *Store) acquisitions(ctx context.Context, project string, fn func(person string, a *waymark.Acquisition) error) error {
	rows, err := s.conn.Query(spilling(ctx), queries.Get("Acquisitions"), ch.Named("project", project))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var person string
		var a waymark.Acquisition
		if err := rows.Scan(&person, &a.Channel, &a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMContent,
			&a.ReferrerHost, &a.LandingPage, &a.FirstSeen); err != nil {
			return err
		}
		if err := fn(person, &a); err != nil {
			return err
		}
	}
	return rows.Err()
}
