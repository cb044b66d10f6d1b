DROP TRIGGER letters_words ON letters;
DROP FUNCTION letter_words_kept();
DROP FUNCTION letter_words_of(tsvector);
DROP TABLE letter_words;
