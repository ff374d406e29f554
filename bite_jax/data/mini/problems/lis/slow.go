package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	fmt.Fscan(in, &n)
	a := make([]int, n)
	for i := range a {
		fmt.Fscan(in, &a[i])
	}
	// dp[i]: longest increasing subsequence ending at i; up[i]: starting at i
	dp := make([]int, n)
	for i := 0; i < n; i++ {
		dp[i] = 1
		for j := 0; j < i; j++ {
			if a[j] < a[i] && dp[j]+1 > dp[i] {
				dp[i] = dp[j] + 1
			}
		}
	}
	up := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		up[i] = 1
		for j := i + 1; j < n; j++ {
			if a[j] > a[i] && up[j]+1 > up[i] {
				up[i] = up[j] + 1
			}
		}
	}
	// the best subsequence passes through some i
	best := 0
	for i := 0; i < n; i++ {
		if dp[i]+up[i]-1 > best {
			best = dp[i] + up[i] - 1
		}
	}
	fmt.Println(best)
}
