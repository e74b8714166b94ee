//! rustc-style diagnostics with a stable kebab-case id, pointing at the
//! user's file, line and column.

use crate::hir::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable id, e.g. `no-matching-signature`, `unsupported-syntax`.
    pub id: &'static str,
    pub message: String,
    pub span: Span,
    /// Text under the caret line.
    pub label: String,
    pub notes: Vec<String>,
    /// Which exception class the Python side raises: `TypingError`,
    /// `UnsupportedError`.
    pub class: DiagClass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagClass {
    Typing,
    Unsupported,
}

impl Diagnostic {
    pub fn error(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            id,
            message: message.into(),
            span,
            label: String::new(),
            notes: Vec::new(),
            class: DiagClass::Typing,
        }
    }
    pub fn unsupported(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::unsupported_as("unsupported-syntax", span, message)
    }
    /// An `UnsupportedError` diagnostic with its own id.
    pub fn unsupported_as(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(id, span, message);
        d.class = DiagClass::Unsupported;
        d
    }
    pub fn with_label(mut self, l: impl Into<String>) -> Self {
        self.label = l.into();
        self
    }
    pub fn with_note(mut self, n: impl Into<String>) -> Self {
        self.notes.push(n.into());
        self
    }

    /// 1-based character column of the span start within its line.
    pub fn char_col(&self, lines: &[String], first_line: u32) -> u32 {
        let idx = self.span.line.saturating_sub(first_line) as usize;
        match lines.get(idx) {
            Some(text) => byte_to_char(text, self.span.col as usize) as u32 + 1,
            None => self.span.col + 1,
        }
    }

    /// Render like rustc:
    /// ```text
    /// error[unknown-name]: name `foo` is not defined
    ///   --> physics.py:14:12
    ///    |
    /// 14 |     return foo(x)
    ///    |            ^^^ not a local, global or builtin
    ///    = note: ...
    /// ```
    pub fn render(&self, file: &str, lines: &[String], first_line: u32) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{sev}[{}]: {}\n", self.id, self.message);
        let line_no = self.span.line;
        let col = self.char_col(lines, first_line);
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        out += &format!("{pad}--> {file}:{line_no}:{col}\n");
        let idx = line_no.saturating_sub(first_line) as usize;
        if let (Some(text), true) = (lines.get(idx), line_no >= first_line && line_no > 0) {
            let text = text.trim_end();
            let start = byte_to_char(text, self.span.col as usize);
            let end = if self.span.end_line == self.span.line {
                byte_to_char(text, self.span.end_col as usize).max(start + 1)
            } else {
                text.chars().count().max(start + 1)
            };
            out += &format!("{pad} |\n");
            out += &format!("{line_no} | {text}\n");
            let mut caret = format!("{pad} | {}{}", " ".repeat(start), "^".repeat(end - start));
            if !self.label.is_empty() {
                caret += " ";
                caret += &self.label;
            }
            out += &caret;
            out += "\n";
        }
        for n in &self.notes {
            out += &format!("{pad} = note: {n}\n");
        }
        out
    }
}

fn byte_to_char(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rustc_style_with_unicode_columns() {
        let lines = vec!["def f(α):".to_string(), "    return α + foo".to_string()];
        // `foo` starts at byte 15 (α is two bytes), char 14.
        let d = Diagnostic::error(
            "unknown-name",
            Span {
                line: 11,
                col: 15,
                end_line: 11,
                end_col: 18,
            },
            "name `foo` is not defined",
        )
        .with_label("not a local, global or builtin")
        .with_note("globals are frozen when the function is compiled");
        let r = d.render("phys.py", &lines, 10);
        let expected = "error[unknown-name]: name `foo` is not defined\n  --> phys.py:11:15\n   |\n11 |     return α + foo\n   |               ^^^ not a local, global or builtin\n   = note: globals are frozen when the function is compiled\n";
        assert_eq!(r, expected);
    }
}
