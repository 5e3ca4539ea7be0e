"""Trainings: sessions volunteers enrol on, coordinators' trainings and sessions, enrolments and attendance."""
