"""The engine: raw rows -> validated model -> metrics -> the seven tables as data."""
