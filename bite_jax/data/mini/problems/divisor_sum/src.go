package main

import "fmt"

func main() {
	var n int
	fmt.Scan(&n)
	total := 0
	for i := 1; i <= n; i++ {
		for j := 1; j*j <= i; j++ {
			if i%j == 0 {
				if j*j == i {
					total++
				} else {
					total += 2
				}
			}
		}
	}
	fmt.Println(total)
}
