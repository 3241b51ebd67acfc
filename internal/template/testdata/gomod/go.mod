module example.com/fn

go 1.22
