//! The short page with a title and a sentence, for refusals and errors.

use askama::Template;
use askama_web::WebTemplate;

use crate::chrome::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub title: String,
    pub text: String,
    /// Where the page offers to go on, and in which words.
    pub back: String,
    pub back_words: String,
}
