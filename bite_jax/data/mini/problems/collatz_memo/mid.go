package main

import "fmt"

func main() {
	var n int64
	fmt.Scan(&n)
	// an even i takes one halving to reach i / 2, whose length is already known; odd i still walk the whole chain
	lengths := make([]int32, n+1)
	best, bestLen := int64(1), int32(0)
	for i := int64(1); i <= n; i++ {
		length := int32(0)
		if i%2 == 0 {
			length = lengths[i/2] + 1
		} else {
			x := i
			for x != 1 {
				if x%2 == 0 {
					x /= 2
				} else {
					x = 3*x + 1
				}
				length++
			}
		}
		lengths[i] = length
		if length > bestLen {
			bestLen = length
			best = i
		}
	}
	fmt.Println(best, bestLen)
}
