package main

import "fmt"

func main() {
	var n int64
	fmt.Scan(&n)
	best, bestLen := int64(1), 0
	for i := int64(1); i <= n; i++ {
		x, length := i, 0
		for x != 1 {
			if x%2 == 0 {
				x /= 2
			} else {
				x = 3*x + 1
			}
			length++
		}
		if length > bestLen {
			bestLen = length
			best = i
		}
	}
	fmt.Println(best, bestLen)
}
