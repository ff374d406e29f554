package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	next := func() int {
		sc.Scan()
		v, _ := strconv.Atoi(sc.Text())
		return v
	}
	r, c := next(), next()
	a := make([]int, r*c)
	row, col := make([]int, r), make([]int, c)
	// every row and column sum is computed once
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a[i*c+j] = next()
			row[i] += a[i*c+j]
			col[j] += a[i*c+j]
		}
	}
	best := row[0] + col[0] - a[0]
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if s := row[i] + col[j] - a[i*c+j]; s > best {
				best = s
			}
		}
	}
	fmt.Println(best)
}
