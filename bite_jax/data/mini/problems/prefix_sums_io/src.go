package main

import "fmt"

func main() {
	var n int
	fmt.Scan(&n)
	var s int64
	for i := 0; i < n; i++ {
		var x int64
		fmt.Scan(&x)
		s += x
		fmt.Println(s)
	}
}
