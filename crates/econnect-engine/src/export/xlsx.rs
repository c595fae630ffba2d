//! The export as an Excel workbook: dates as date cells (shown dd-mm-jjjj), amounts as
//! number cells with two decimals, a bold frozen header. The sheet is written in constant
//! memory mode: each row goes to a temporary file as it comes.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::Sink;
use super::columns::{self, Date, Record};
use crate::desktop::Language;

/// The most documents one sheet holds (Excel's 1,048,576 rows, less the header).
pub const MAX_ROWS: u32 = 1_048_575;

/// Column widths, in characters, in the header's order.
const WIDTHS: [f64; 13] = [
    30.0, 11.0, 14.0, 14.0, 18.0, 12.0, 30.0, 18.0, 13.0, 7.0, 22.0, 28.0, 38.0,
];

/// Writes records into a workbook saved at the end.
pub(crate) struct XlsxSink {
    workbook: Workbook,
    path: PathBuf,
    next_row: u32,
    date: Format,
    amount: Format,
    error: Option<String>,
}

impl XlsxSink {
    pub(crate) fn new(path: &Path, language: Language) -> XlsxSink {
        let mut sink = XlsxSink {
            workbook: Workbook::new(),
            path: path.to_path_buf(),
            next_row: 1,
            date: Format::new().set_num_format("dd-mm-yyyy"),
            amount: Format::new().set_num_format("#,##0.00"),
            error: None,
        };
        if let Err(e) = sink.start(language) {
            sink.error = Some(e.to_string());
        }
        sink
    }

    fn start(&mut self, language: Language) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold();
        let sheet = self.workbook.add_worksheet_with_constant_memory();
        sheet.set_name(language.pick("Documenten", "Documents"))?;
        for (col, (title, width)) in columns::header(language).iter().zip(WIDTHS).enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, width)?;
            sheet.write_string_with_format(0, col, *title, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }

    fn write(&mut self, r: &Record) -> Result<(), XlsxError> {
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0)?;
        let texts: [(u16, &str); 9] = [
            (0, &r.organisation),
            (1, &r.direction),
            (2, &r.channel),
            (3, &r.status),
            (4, &r.invoice_number),
            (6, &r.counterparty),
            (7, &r.counterparty_id),
            (9, &r.currency),
            (11, &r.file_name),
        ];
        for (col, text) in texts {
            if !text.is_empty() {
                sheet.write_string(row, col, text)?;
            }
        }
        sheet.write_string(row, 12, &r.id)?;
        write_date(sheet, row, 5, r.issue_date, &self.date)?;
        write_date(sheet, row, 10, r.date, &self.date)?;
        if let Some(value) = r.amount.as_deref().and_then(|a| a.parse::<f64>().ok()) {
            sheet.write_number_with_format(row, 8, value, &self.amount)?;
        }
        self.next_row += 1;
        Ok(())
    }
}

fn write_date(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    date: Option<Date>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some((y, m, d)) = date {
        let value = ExcelDateTime::from_ymd(y, m, d)?;
        sheet.write_datetime_with_format(row, col, &value, format)?;
    }
    Ok(())
}

impl Sink for XlsxSink {
    fn row(&mut self, record: &Record) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.next_row > MAX_ROWS {
            return Err("te veel rijen voor één Excel-blad".into());
        }
        self.write(record).map_err(|e| e.to_string())
    }

    fn finish(mut self: Box<Self>) -> Result<(), String> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let path = self.path.clone();
        self.workbook.save(&path).map_err(|e| e.to_string())?;
        // Opened for writing: Windows flushes only through a handle that may write
        // (FlushFileBuffers on a read-only one is "access denied").
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|e| e.to_string())
    }
}
