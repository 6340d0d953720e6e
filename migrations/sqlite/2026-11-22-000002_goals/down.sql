DROP TABLE milestones;
DROP TABLE check_ins;
DROP TABLE goals;
