package main

import (
	"fmt"
	"math"
)

func main() {
	var n int64
	fmt.Scan(&n)
	// Dirichlet hyperbola: sum d(i) = 2 * sum_{k<=s} n/k - s^2, s = isqrt(n)
	s := int64(math.Sqrt(float64(n)))
	for s*s > n {
		s--
	}
	for (s+1)*(s+1) <= n {
		s++
	}
	var total int64
	for k := int64(1); k <= s; k++ {
		total += n / k
	}
	fmt.Println(2*total - s*s)
}
