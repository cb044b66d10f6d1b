DROP TABLE answer_templates;
