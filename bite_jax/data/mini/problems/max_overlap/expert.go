package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
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
	n := next()
	l := make([]int, n)
	r := make([]int, n)
	for i := 0; i < n; i++ {
		l[i] = next()
		r[i] = next()
	}
	sort.Ints(l)
	sort.Ints(r)
	// sweep the starts; intervals ending at or before a start are closed
	best, j := 0, 0
	for i := 0; i < n; i++ {
		for r[j] <= l[i] {
			j++
		}
		if i+1-j > best {
			best = i + 1 - j
		}
	}
	fmt.Println(best)
}
