package main

import "fmt"

func main() {
	var n int
	fmt.Scan(&n)
	a := make([]int64, n)
	for i := range a {
		fmt.Scan(&a[i])
	}
	for i := 0; i < n; i++ {
		// walk the whole array and add up the values at positions up to i
		var s int64
		for j := 0; j < n; j++ {
			if j <= i {
				s += a[j]
			}
		}
		fmt.Println(s)
	}
}
