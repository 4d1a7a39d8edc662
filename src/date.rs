//! The book's one clock: a time taken from `SOURCE_DATE_EPOCH` or the
//! manuscript's date, never from the system clock or the files' times, so
//! rebuilds and fresh clones give the same bytes. Dates are proleptic
//! Gregorian, in UTC.

use crate::error::Error;

/// The book's time, in seconds since 1970: the EPUB's `dcterms:modified` and
/// the PDF's dates. It is `SOURCE_DATE_EPOCH` when set, else the `date` of
/// `book.toml` (at midnight UTC), else 1970-01-01. A file's modification
/// time is never used: a fresh clone or a copy of the manuscript would give
/// other bytes.
pub fn source_time(source_date_epoch: Option<&str>, date: Option<&str>) -> Result<u64, Error> {
    if let Some(epoch) = source_date_epoch.map(str::trim).filter(|e| !e.is_empty()) {
        return epoch.parse().map_err(|_| {
            Error::new(
                "bad-source-date-epoch",
                None,
                format!("SOURCE_DATE_EPOCH is `{epoch}`, not a number of seconds"),
            )
            .with_hint("set it to a whole number of seconds since 1970, or unset it")
        });
    }
    if let Some(date) = date {
        let mut parts = date.split('-').map(|p| p.parse::<u32>().ok());
        let year = parts.next().flatten();
        let month = parts.next().flatten().unwrap_or(1);
        let day = parts.next().flatten().unwrap_or(1);
        if let Some(year) = year {
            let days = days_from_civil(year, month, day);
            return Ok(u64::try_from(days).unwrap_or(0) * 86_400);
        }
    }
    Ok(0)
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

    #[test]
    fn source_time_prefers_the_environment_then_the_date() {
        assert_eq!(source_time(Some("42"), Some("2026")).unwrap(), 42);
        assert_eq!(
            iso8601(source_time(None, Some("2026-11")).unwrap()),
            "2026-11-01T00:00:00Z"
        );
        assert_eq!(source_time(None, None).unwrap(), 0);
        assert!(source_time(Some("yesterday"), None).is_err());
    }
}
