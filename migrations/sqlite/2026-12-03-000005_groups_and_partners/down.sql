DROP TABLE partnerships;
DROP TABLE strategy_marks;
DROP TABLE strategies;
DROP TABLE group_members;
DROP TABLE recovery_groups;
