DROP TRIGGER letters_words ON letters;
DROP FUNCTION letter_words_kept();
DROP TABLE letter_words;
