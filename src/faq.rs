//! The FAQ convention: turns a chapter's blocks into groups of numbered questions.
//!
//! In the FAQ file, `##` headings open groups and `###` headings are
//! questions, optionally numbered (`### 3. Why …?`); everything up to the next
//! `##` or `###` is the answer. Deeper headings stay inside answers. Blocks
//! before the first group or question are the FAQ's introduction.

use crate::error::{Diagnostic, Place};
use crate::model::{Block, BlockKind, Faq, FaqGroup, HeadingLevel, Inline, Question};
use std::path::Path;

/// Builds the FAQ from the blocks that follow the chapter title, and reports
/// questions without an answer, answers that stop mid-sentence, and numbers
/// out of sequence.
pub fn build(blocks: Vec<Block>, file: &Path, warnings: &mut Vec<Diagnostic>) -> Faq {
    let mut faq = Faq {
        intro: Vec::new(),
        groups: Vec::new(),
    };
    let mut next_number = 1;
    for block in blocks {
        match block.kind {
            BlockKind::Heading(heading) if heading.level <= HeadingLevel::H2 => {
                faq.groups.push(FaqGroup {
                    heading: Some(heading),
                    pos: block.pos,
                    intro: Vec::new(),
                    questions: Vec::new(),
                });
            }
            BlockKind::Heading(mut heading) if heading.level == HeadingLevel::H3 => {
                let written = take_number(&mut heading.content);
                let number = written.unwrap_or(next_number);
                if written.is_some_and(|n| n != next_number) {
                    warnings.push(
                        Diagnostic::warning(
                            "faq-numbering",
                            Some(Place::at(file, block.pos.line, block.pos.col)),
                            format!("question {number} follows question {}", next_number - 1),
                        )
                        .with_hint(
                            "number the questions 1, 2, 3, … in order, or leave the numbers out",
                        ),
                    );
                }
                next_number = number + 1;
                if faq.groups.is_empty() {
                    faq.groups.push(FaqGroup {
                        heading: None,
                        pos: block.pos,
                        intro: Vec::new(),
                        questions: Vec::new(),
                    });
                }
                if let Some(group) = faq.groups.last_mut() {
                    group.questions.push(Question {
                        number,
                        heading,
                        pos: block.pos,
                        answer: Vec::new(),
                    });
                }
            }
            kind => {
                let block = Block {
                    pos: block.pos,
                    kind,
                };
                match faq.groups.last_mut() {
                    None => faq.intro.push(block),
                    Some(group) => match group.questions.last_mut() {
                        Some(question) => question.answer.push(block),
                        None => group.intro.push(block),
                    },
                }
            }
        }
    }
    for question in faq.groups.iter().flat_map(|g| &g.questions) {
        check_answer(question, file, warnings);
    }
    faq
}

/// Removes a leading `3.` or `3)` from a question's text and returns the number.
fn take_number(content: &mut [Inline]) -> Option<u32> {
    let Some(Inline::Text { text }) = content.first_mut() else {
        return None;
    };
    let trimmed = text.trim_start();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = &trimmed[digits..];
    let after = rest.strip_prefix(['.', ')'])?;
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let number = trimmed[..digits].parse().ok()?;
    *text = after.trim_start().to_string();
    Some(number)
}

fn check_answer(question: &Question, file: &Path, warnings: &mut Vec<Diagnostic>) {
    let place = Place::at(file, question.pos.line, question.pos.col);
    let number = question.number;
    let last_text = question
        .answer
        .iter()
        .rposition(|b| !is_editors_note(b))
        .map(|i| (i, &question.answer[i]));
    let Some((index, last)) = last_text else {
        // An answer that is only an editor's note acknowledges the gap.
        let mut warning = Diagnostic::warning(
            "faq-no-answer",
            Some(place),
            format!("question {number} has no answer"),
        )
        .with_hint(
            "write the answer under the question's heading, or acknowledge the gap with a \
             paragraph that starts “Editor’s note:”",
        );
        warning.acknowledged = !question.answer.is_empty();
        warnings.push(warning);
        return;
    };
    let BlockKind::Paragraph { content } = &last.kind else {
        return;
    };
    let text = Inline::plain_text(content);
    if ends_a_sentence(&text) {
        return;
    }
    let acknowledged = question.answer[index + 1..].iter().any(is_editors_note);
    let mut warning = Diagnostic::warning(
        "faq-unfinished-answer",
        Some(Place::at(file, last.pos.line, last.pos.col)),
        format!(
            "the answer to question {number} stops mid-sentence: “{}”",
            tail(&text, 40)
        ),
    )
    .with_hint("finish the sentence, or acknowledge the gap with a paragraph after it that starts “Editor’s note:”");
    warning.acknowledged = acknowledged;
    warnings.push(warning);
}

/// True when text ends the way a finished sentence does.
fn ends_a_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(|c: char| c.is_whitespace() || "\"”’')]*_".contains(c));
    trimmed.ends_with(['.', '!', '?', '…', ':'])
}

/// An editor's note is a paragraph starting with "Editor's note", in any case,
/// optionally inside brackets or emphasis. It acknowledges a gap in the text.
pub fn is_editors_note(block: &Block) -> bool {
    let BlockKind::Paragraph { content } = &block.kind else {
        return false;
    };
    let text = Inline::plain_text(content).to_lowercase();
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || "[(".contains(c));
    text.starts_with("editor's note") || text.starts_with("editor’s note")
}

fn tail(text: &str, chars: usize) -> String {
    let count = text.chars().count();
    if count <= chars {
        return text.to_string();
    }
    let start: String = text.chars().skip(count - chars).collect();
    format!("…{start}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Vec<Inline> {
        vec![Inline::Text {
            text: t.to_string(),
        }]
    }

    #[test]
    fn numbers_are_taken_from_question_text() {
        let mut content = text("12. Why?");
        assert_eq!(take_number(&mut content), Some(12));
        assert_eq!(content, text("Why?"));
        let mut content = text("3) How?");
        assert_eq!(take_number(&mut content), Some(3));
        let mut content = text("2026 was a year?");
        assert_eq!(take_number(&mut content), None);
        let mut content = text("1.5 times?");
        assert_eq!(take_number(&mut content), None);
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_a_sentence("It ends."));
        assert!(ends_a_sentence("“Quoted.”"));
        assert!(ends_a_sentence("Really?"));
        assert!(!ends_a_sentence("The most likely"));
    }
}
