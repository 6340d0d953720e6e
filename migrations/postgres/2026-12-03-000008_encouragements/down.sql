DROP TABLE encouragements;
