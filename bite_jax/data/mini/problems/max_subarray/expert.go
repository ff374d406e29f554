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
	sc.Scan()
	n, _ := strconv.Atoi(sc.Text())
	// Kadane: cur is the best sum of a block ending at the current element
	var best, cur int64
	for i := 0; i < n; i++ {
		sc.Scan()
		x, _ := strconv.ParseInt(sc.Text(), 10, 64)
		if i > 0 && cur > 0 {
			cur += x
		} else {
			cur = x
		}
		if i == 0 || cur > best {
			best = cur
		}
	}
	fmt.Println(best)
}
