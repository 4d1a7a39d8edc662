//! Tables: equal columns of ragged cells, the header in bold between rules
//! and repeated on each page the table runs on to.

use super::blocks::Frame;
use super::flow::Flow;
use super::{counted, spans};
use crate::model::{Alignment, Pos, Table};
use crate::pdf::fonts::Style;
use crate::pdf::tags::Role;
use crate::pdf::text::{Measure, Paragraph, Span};

/// A table's columns as set: where the table stands, each column's width,
/// the gap between columns, and the cells' size and leading.
#[derive(Debug, Clone, Copy)]
struct Grid {
    frame: Frame,
    width: f32,
    gap: f32,
    size: f32,
    leading: f32,
}

impl Flow<'_, '_> {
    /// A table: equal columns, ragged cells, the header in bold between
    /// rules, repeated at the top of each page the table runs on to.
    pub(super) fn table(&mut self, table: &Table, frame: Frame, pos: Pos) {
        let g = self.settings.geometry;
        let columns = table.head.len().max(1);
        let gap = frame.size;
        let grid = Grid {
            frame,
            width: (frame.width - gap * (columns - 1) as f32) / columns as f32,
            gap,
            size: frame.size * 0.9,
            leading: g.leading * 0.9,
        };
        let leading = grid.leading;
        let measure = Measure::ragged(grid.size, grid.width);
        let head_spans: Vec<_> = table
            .head
            .iter()
            .map(|c| spans::spans(c, Style::Bold, self.settings.image()))
            .collect();
        let head: Vec<_> = head_spans
            .iter()
            .map(|s| self.ts.set(s, &measure))
            .collect();
        let rows: Vec<(Vec<Vec<Span>>, Vec<Paragraph>)> = table
            .rows
            .iter()
            .map(|row| {
                let spans: Vec<_> = row
                    .iter()
                    .map(|c| spans::spans(c, Style::Regular, self.settings.image()))
                    .collect();
                let cells = spans.iter().map(|s| self.ts.set(s, &measure)).collect();
                (spans, cells)
            })
            .collect();
        self.space(0.5 * g.leading);
        // The head goes with two rows at least, or all when there are fewer.
        let head_height = (row_height(&head) as f32 + 0.8) * leading;
        let first_rows: f32 = rows
            .iter()
            .take(2)
            .map(|(_, cells)| (row_height(cells) as f32 + 0.25) * leading)
            .sum();
        self.need(head_height + first_rows.max(2.0 * leading));
        // A heading before it has its company now: the rows go on alone.
        self.keep = None;
        let element = self.structure.open(Role::Table);
        // A header row with nothing in it is no header: a rule opens the table.
        let header = table.has_header();
        if header {
            self.structure.open(Role::THead);
            self.table_head(&head, table, grid, Some(Role::TH));
            self.structure.close();
        } else {
            self.rule(frame.x, frame.width);
            self.y += 0.3 * leading;
        }
        self.structure.open(Role::TBody);
        // The header counts once, where the EPUB has it.
        self.mark.offset += head_spans.iter().map(|s| counted(s)).sum::<usize>();
        for (row_spans, cells) in &rows {
            let height = row_height(cells) as f32 * leading;
            let pages = self.pages.len();
            self.need(height);
            if header && self.pages.len() != pages {
                // The header repeated on a new page is not read again.
                self.table_head(&head, table, grid, None);
            }
            for cell in cells {
                self.missing(&cell.missing, pos);
                self.count(&cell.lines);
            }
            self.table_row(cells, table, grid, Some(Role::TD));
            self.mark.offset += row_spans.iter().map(|s| counted(s)).sum::<usize>();
            self.y += 0.25 * leading;
        }
        self.structure.close_to(element);
        self.rule(frame.x, frame.width);
        self.space(0.5 * g.leading);
        self.indent_next = false;
    }

    /// The header row between two rules, its cells of type `cell` (none:
    /// artifacts).
    fn table_head(&mut self, head: &[Paragraph], table: &Table, grid: Grid, cell: Option<Role>) {
        let Grid { frame, leading, .. } = grid;
        self.rule(frame.x, frame.width);
        self.y += 0.3 * leading;
        self.table_row(head, table, grid, cell);
        self.y += 0.2 * leading;
        self.rule(frame.x, frame.width);
        self.y += 0.3 * leading;
    }

    /// One row of set cells, each aligned as its column asks, a `TR` of
    /// cells of type `cell` (none: artifacts).
    fn table_row(&mut self, cells: &[Paragraph], table: &Table, grid: Grid, cell: Option<Role>) {
        let Grid {
            frame,
            width,
            gap,
            size,
            leading,
        } = grid;
        let top = self.y;
        let row = cell.map(|_| self.structure.open(Role::TR));
        if cell.is_none() {
            self.structure.artifacts(true);
        }
        // A book written from right to left has its first column on the
        // right, and its cells flush right unless their column says otherwise.
        let rtl = self.settings.bound_right;
        for (column, set) in cells.iter().enumerate() {
            let place = if rtl {
                cells.len() - 1 - column
            } else {
                column
            };
            let left = frame.x + place as f32 * (width + gap);
            if let Some(role) = cell {
                self.structure.open(role);
            }
            for (n, line) in set.lines.iter().enumerate() {
                // Where the line's text starts: 0, or right of it when the
                // line is set flush right.
                let start = if rtl {
                    line.runs.iter().map(|r| r.x).fold(width, f32::min)
                } else {
                    0.0
                };
                let end = line.runs.iter().map(|r| r.x + r.width).fold(0.0, f32::max);
                let used = end - start;
                let shift = match table.alignments.get(column) {
                    Some(Alignment::Right) => width - used,
                    Some(Alignment::Center) => (width - used) / 2.0,
                    Some(Alignment::Left) => 0.0,
                    _ if rtl => width - used,
                    _ => 0.0,
                };
                let baseline = top + size + n as f32 * leading;
                self.put_line(line, left + shift.max(0.0) - start, baseline);
            }
            if cell.is_some() {
                self.structure.close();
            }
        }
        match row {
            Some(row) => self.structure.close_to(row),
            None => self.structure.artifacts(false),
        }
        self.y = top + row_height(cells) as f32 * leading;
    }
}

/// The most lines any cell of a row has (at least one).
fn row_height(cells: &[Paragraph]) -> usize {
    cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(1)
        .max(1)
}
