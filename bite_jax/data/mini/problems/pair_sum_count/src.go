package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	var k int64
	fmt.Fscan(in, &n, &k)
	a := make([]int64, n)
	for i := range a {
		fmt.Fscan(in, &a[i])
	}
	var cnt int64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if a[i]+a[j] == k {
				cnt++
			}
		}
	}
	fmt.Println(cnt)
}
