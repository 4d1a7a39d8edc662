//! The book's one clock: a time taken from `SOURCE_DATE_EPOCH` or the
//! manuscript's date, never from the system clock or the files' times, so
//! rebuilds and fresh clones give the same bytes. Dates are proleptic
//! Gregorian, in UTC.

use crate::config::{BadValue, ValueKind};
use crate::error::Error;
use std::fmt;

/// The last second the book's clock can show, 9999-12-31T23:59:59Z:
/// `dcterms:modified`, `dc:date` and PDF dates have four-digit years.
pub const LATEST: u64 = 253_402_300_799;

/// The book's time, in seconds since 1970: the EPUB's `dcterms:modified` and
/// the PDF's dates. It is `SOURCE_DATE_EPOCH` when set, else the `date` of
/// `book.toml` (at midnight UTC), else 1970-01-01. A file's modification
/// time is never used: a fresh clone or a copy of the manuscript would give
/// other bytes. A date before 1970 gives 1970; a time after [`LATEST`] is an
/// error.
pub fn source_time(source_date_epoch: Option<&str>, date: Option<Date>) -> Result<u64, Error> {
    if let Some(epoch) = source_date_epoch.map(str::trim).filter(|e| !e.is_empty()) {
        let seconds: u64 = epoch.parse().map_err(|_| {
            Error::new(
                "bad-source-date-epoch",
                None,
                format!("SOURCE_DATE_EPOCH is `{epoch}`, not a number of seconds"),
            )
            .with_hint("set it to a whole number of seconds since 1970, or unset it")
        })?;
        if seconds > LATEST {
            return Err(Error::new(
                "bad-source-date-epoch",
                None,
                format!("SOURCE_DATE_EPOCH is `{epoch}`, a time after the year 9999"),
            )
            .with_hint(format!(
                "set it to a time up to {LATEST} (9999-12-31T23:59:59Z), or unset it"
            )));
        }
        return Ok(seconds);
    }
    Ok(date.map_or(0, |date| {
        u64::try_from(date.days_since_1970()).unwrap_or(0) * 86_400
    }))
}

/// A calendar date of `book.toml`: a year from 1 to 9999, and the month
/// and day when given (`2026`, `2026-11`, `2026-11-25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Date {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl Date {
    /// Days from 1970-01-01 to the date's first day (negative before 1970).
    pub fn days_since_1970(self) -> i64 {
        days_from_civil(
            u32::from(self.year),
            u32::from(self.month.unwrap_or(1)),
            u32::from(self.day.unwrap_or(1)),
        )
    }
}

/// The months' names, for errors.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The number of days of a month (1–12) of a proleptic Gregorian year.
fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl TryFrom<String> for Date {
    type Error = BadValue;

    fn try_from(text: String) -> Result<Date, BadValue> {
        let bad =
            |why: String| BadValue::new(ValueKind::Date, format!("`{text}` is not a date{why}"));
        let number = |part: &str, digits: usize| {
            (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u16>().ok())
                .flatten()
        };
        let parts: Vec<&str> = text.split('-').collect();
        let (year, month, day) = match parts.as_slice() {
            [y] => (number(y, 4), Some(None), Some(None)),
            [y, m] => (number(y, 4), number(m, 2).map(Some), Some(None)),
            [y, m, d] => (number(y, 4), number(m, 2).map(Some), number(d, 2).map(Some)),
            _ => (None, None, None),
        };
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(bad(String::new()));
        };
        if year == 0 {
            return Err(bad(": years run from 0001 to 9999".to_string()));
        }
        let month = match month.map(u8::try_from) {
            None => None,
            Some(Ok(m @ 1..=12)) => Some(m),
            Some(_) => return Err(bad(": months run from 01 to 12".to_string())),
        };
        let day = match (month, day.map(u8::try_from)) {
            (_, None) => None,
            (Some(m), Some(Ok(d))) if (1..=days_in_month(year, m)).contains(&d) => Some(d),
            (Some(m), Some(_)) => {
                return Err(bad(format!(
                    ": {} {year} has {} days",
                    MONTHS[usize::from(m - 1)],
                    days_in_month(year, m)
                )));
            }
            (None, Some(_)) => return Err(bad(String::new())),
        };
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    /// The date as `book.toml` wrote it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (after Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `YYYY-MM-DDThh:mm:ssZ` for a time in seconds since 1970, as
/// `dcterms:modified` and XMP want it.
pub fn iso8601(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    // The inverse of `days_from_civil`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `D:YYYYMMDDHHmmSSZ` for a time in seconds since 1970, as PDF dates are written.
pub fn pdf(seconds: u64) -> String {
    let iso = iso8601(seconds);
    let digits: String = iso.chars().filter(char::is_ascii_digit).collect();
    format!("D:{digits}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_civil_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_764_028_800 + 3661), "2025-11-25T01:01:01Z");
        let days = days_from_civil(2024, 2, 29);
        assert_eq!(
            iso8601(u64::try_from(days).unwrap() * 86_400),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(pdf(1_764_028_800 + 3661), "D:20251125010101Z");
    }

    fn date(text: &str) -> Result<Date, String> {
        Date::try_from(text.to_string()).map_err(|bad| bad.to_string())
    }

    #[test]
    fn source_time_prefers_the_environment_then_the_date() {
        let year = date("2026").ok();
        assert_eq!(source_time(Some("42"), year).unwrap(), 42);
        assert_eq!(
            iso8601(source_time(None, date("2026-11").ok()).unwrap()),
            "2026-11-01T00:00:00Z"
        );
        assert_eq!(source_time(None, None).unwrap(), 0);
        assert!(source_time(Some("yesterday"), None).is_err());
    }

    #[test]
    fn the_clock_stops_at_the_end_of_9999() {
        assert_eq!(iso8601(LATEST), "9999-12-31T23:59:59Z");
        assert_eq!(pdf(LATEST), "D:99991231235959Z");
        assert_eq!(source_time(Some("253402300799"), None).unwrap(), LATEST);
        let err = source_time(Some("253402300800"), None).unwrap_err();
        assert_eq!(err.diagnostic().code, "bad-source-date-epoch");
        assert!(err.to_string().contains("after the year 9999"), "{err}");
        let last = date("9999-12-31").unwrap();
        assert_eq!(
            iso8601(source_time(None, Some(last)).unwrap()),
            "9999-12-31T00:00:00Z"
        );
    }

    #[test]
    fn dates_are_calendar_dates_of_the_years_1_to_9999() {
        for good in [
            "2026",
            "2026-11",
            "2026-11-25",
            "2024-02-29",
            "0001-01-01",
            "9999",
        ] {
            assert_eq!(date(good).map(|d| d.to_string()), Ok(good.to_string()));
        }
        for (bad, why) in [
            ("2026-02-30", "February 2026 has 28 days"),
            ("2100-02-29", "February 2100 has 28 days"),
            ("2026-04-31", "April 2026 has 30 days"),
            ("0000", "years run from 0001 to 9999"),
            ("2026-13", "months run from 01 to 12"),
            ("2026-00-01", "months run from 01 to 12"),
            ("2026-01-00", "January 2026 has 31 days"),
            ("25/11/2026", "is not a date"),
            ("26", "is not a date"),
            ("12026", "is not a date"),
            ("2026-1-5", "is not a date"),
            ("+2026", "is not a date"),
            ("", "is not a date"),
        ] {
            let err = date(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
