package main

import "fmt"

func main() {
	var n int
	fmt.Scan(&n)
	total := 0
	for i := 1; i <= n; i++ {
		// divisors up to sqrt(i)
		for j := 1; j <= i/j; j++ {
			if i%j == 0 {
				total++
			}
		}
		// their partners i/j above sqrt(i)
		for j := 1; j < i/j; j++ {
			if i%j == 0 {
				total++
			}
		}
	}
	fmt.Println(total)
}
