package main

import "fmt"

// chainLength returns the number of Collatz steps from x down to 1.
func chainLength(x int64) int {
	length := 0
	for x != 1 {
		if x%2 == 0 {
			x /= 2
		} else {
			x = 3*x + 1
		}
		length++
	}
	return length
}

func main() {
	var n int64
	fmt.Scan(&n)
	best, bestLen := int64(1), 0
	for i := int64(1); i <= n; i++ {
		if chainLength(i) > bestLen {
			bestLen = chainLength(i)
		}
	}
	// scanning down, the last start found with that length is the smallest
	for i := n; i >= 1; i-- {
		if chainLength(i) == bestLen {
			best = i
		}
	}
	fmt.Println(best, bestLen)
}
